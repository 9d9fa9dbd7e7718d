"""Where uploads and results live: the backend interface, a directory, an S3 bucket."""
