"""Input and output: the dataset's CSV layout, encodings, the Parquet cache, narratives, Excel."""
