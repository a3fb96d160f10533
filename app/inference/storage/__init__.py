"""Where the model and the jobs' data live: S3 through the app's own client, the model's verified cache in /tmp,
and the s3:// addresses jobs name. Storage knows nothing of events or protocols."""
