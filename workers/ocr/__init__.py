"""The OCR engine: PaddleOCR behind a small interface, its models, the detector input, second looks."""
