"""Image preparation: decoding the input, straightening, red ink and seals, the page transform."""
