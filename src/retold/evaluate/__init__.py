"""Evaluation on public datasets: loaders, metrics and the paraphrase benchmarks.

The datasets live outside the repository (``../shared`` or ``$RETOLD_SHARED``) and are read at
run time; nothing from them is copied into the package.
"""
