"""Where the queued and batch paths may read and write (ASYNC_OUTPUT_URI, ASYNC_INPUT_PREFIXES,
BATCH_OUTPUT_URI): a message or a batch naming a location outside them is refused by the app, as the
role's permissions would refuse it."""

from typing import NamedTuple

from .contract import JOBS_ENV
from .storage.s3uri import S3Uri, prefixes_from_env
from .types import Env


class JobLocations(NamedTuple):
    queue_output: S3Uri | None = None
    """Where queued messages' results go."""
    queue_inputs: tuple[S3Uri, ...] = ()
    """What queued messages may name as their input."""
    batch_output: S3Uri | None = None
    """Where Distributed Map batches may write; None: their lines are returned (a local run)."""

    @staticmethod
    def from_env(env: Env) -> "JobLocations":
        outputs = prefixes_from_env(env, JOBS_ENV.async_output_uri)
        batch = prefixes_from_env(env, JOBS_ENV.batch_output_uri)
        return JobLocations(
            queue_output=outputs[0] if outputs else None,
            queue_inputs=prefixes_from_env(env, JOBS_ENV.async_input_prefixes),
            batch_output=batch[0] if batch else None,
        )
