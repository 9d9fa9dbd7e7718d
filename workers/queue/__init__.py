"""The worker queue: RQ jobs, the worker process, job status and counters, what the API learns of an upload."""
