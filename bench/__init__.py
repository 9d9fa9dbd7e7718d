"""The benchmark: the product against plain PaddleOCR on the fixture corpus (SPEC "How quality is measured").

    bench.metrics   the metric definitions (pure functions over strings; used by tests elsewhere too)
    bench.baseline  plain PaddleOCR, as a naive user runs it
    bench.run       `python -m bench.run`: runs both systems over a corpus, writes results/
    bench.report    the table, Markdown, JSON and chart
"""
