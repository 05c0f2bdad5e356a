"""The Spark job (``retold.spark.job``) and loading its output into an index (``load``).

``load`` needs only pyarrow; ``job`` needs the ``spark`` extra (pyspark) and Java.
"""
