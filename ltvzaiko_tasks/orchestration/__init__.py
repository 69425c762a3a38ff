"""Airflow-facing glue: Cosmos configuration, the project's Airflow home, running DAGs."""
