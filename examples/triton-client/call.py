"""Calls a deployed InferenceFunction's function URL as Triton is called, with tritonclient, signing each
request with SigV4 (the URL's default AWS_IAM auth) using the credentials boto3 finds.

    pip install "tritonclient[http]" boto3 numpy
    python call.py --url "$(pulumi stack output functionUrl)" --model wine   # the component's modelName
"""

import argparse
from urllib.parse import urlsplit

import numpy as np
import tritonclient.http as triton
from sigv4 import SigV4InferenceServerClient
from tritonclient.utils import triton_to_np_dtype


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", required=True, help="the function URL (the component's functionUrl output)")
    parser.add_argument("--model", required=True, help="the model's name (the component's modelName)")
    parser.add_argument("--region", help="the function's region (default: read from the URL)")
    args = parser.parse_args()
    url = urlsplit(args.url)
    client = SigV4InferenceServerClient(url.netloc, ssl=url.scheme == "https", region=args.region)
    print("ready:", client.is_model_ready(args.model))
    metadata = client.get_model_metadata(args.model)
    print("metadata:", metadata)
    # One input of the model's declared datatype and shape, a dimension of any size taken as 2: zeros.
    inputs = []
    for spec in metadata["inputs"]:
        shape = [d if d >= 0 else 2 for d in spec["shape"]]
        dtype = triton_to_np_dtype(spec["datatype"])
        tensor = triton.InferInput(spec["name"], shape, spec["datatype"])
        tensor.set_data_from_numpy(np.zeros(shape, dtype=dtype))  # binary by default, as Triton is called
        inputs.append(tensor)
    result = client.infer(args.model, inputs)
    for output in result.get_response()["outputs"]:
        print(output["name"], result.as_numpy(output["name"]))


if __name__ == "__main__":
    main()
