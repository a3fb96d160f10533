#!/bin/sh
# The contract of the AWS Lambda base image's /lambda-entrypoint.sh: CMD is the
# handler; outside Lambda (no AWS_LAMBDA_RUNTIME_API) the Runtime Interface
# Emulator runs around the runtime and serves the invoke API on port 8080.
if [ $# -ne 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
export _HANDLER="$1"
if [ -z "${AWS_LAMBDA_RUNTIME_API}" ]; then
  exec /usr/local/bin/aws-lambda-rie /var/runtime/bootstrap "$_HANDLER"
else
  exec /var/runtime/bootstrap "$_HANDLER"
fi
