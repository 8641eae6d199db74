"""Parts of the built-in captioner: weights reader, numpy EfficientNet-lite0, colours, OCR."""
