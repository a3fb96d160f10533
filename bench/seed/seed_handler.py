"""The seed's design, as the baseline of P1 and P2: the model is loaded from a
local file at import (no S3, no checksum), and requests go through pandas."""

import os

import joblib
import numpy as np
import pandas as pd

model = joblib.load(os.environ["MODEL_PATH"])


def lambda_handler(event, context):
    frame = pd.DataFrame(event.get("instances") or [event["features"]])
    return {"predictions": np.asarray(model.predict(frame.values)).tolist()}
