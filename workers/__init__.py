"""The worker side: images, models, Redis and storage (imports flow `service/` → `workers/` → `layout/`).

    pipeline.py  the one place that names the stages in order: ingest → preprocess → colour-free evidence
                 → OCR → second look → layout
    image/       image preparation: decoding the input, photo squaring, orientation, deskew, red ink, seals
                 (by colour and by shape), stroke weight, the page transform back to the scan
    ocr/         the OCR engine behind a small interface, its model folders, the detector's input, second
                 looks under seals, the lines the archive formats write
    output/      renderings beside text/Markdown/JSON: searchable PDF/A, ALTO, hOCR, page previews, the
                 documents of a split batch
    queue/       RQ jobs, the worker process, a job's status, counters for /metrics, what the API learns of
                 an upload before OCR
    storage/     the storage interface (backend.py), a directory (directory.py), an S3 bucket (s3.py)
    defaults.py  queue timeouts and TTLs, each with its unit;  errors.py  the error tree;
    settings.py  the environment, read once
"""
