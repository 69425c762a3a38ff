# ltvzaiko Airflow image: the official Airflow 3 image plus this project and the providers the
# compose stack needs (Celery executor, FAB auth manager, Redis broker client).
# Build context is the repo root; dags/ and dbt_project/ are bind-mounted by docker-compose.yml.
FROM apache/airflow:3.3.2-python3.11

ENV AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    DO_NOT_TRACK=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=False \
    LTVZAIKO_HOME=/opt/airflow/ltvzaiko_home \
    LTVZAIKO_LANDING_DIR=/opt/airflow/landing \
    LTVZAIKO_DBT_PROJECT_DIR=/opt/airflow/dbt_project

# The official image runs as `airflow` (uid 50000, gid 0) and installs with pip into that user's site.
USER airflow

# State and mount-point directories, group-writable so an AIRFLOW_UID other than 50000 (gid 0) works too.
RUN mkdir -p /opt/airflow/ltvzaiko_home /opt/airflow/landing /opt/airflow/dbt_project \
    && chmod -R g+rwX /opt/airflow/ltvzaiko_home /opt/airflow/landing /opt/airflow/dbt_project

COPY --chown=airflow:0 pyproject.toml constraints.txt README.md /opt/airflow/ltvzaiko-src/
COPY --chown=airflow:0 ltvzaiko_tasks/ /opt/airflow/ltvzaiko-src/ltvzaiko_tasks/

# Pin apache-airflow to the image's own version so pip can never up- or downgrade it.
RUN pip install --no-cache-dir -c /opt/airflow/ltvzaiko-src/constraints.txt \
        "apache-airflow==${AIRFLOW_VERSION}" \
        apache-airflow-providers-celery \
        apache-airflow-providers-fab \
        redis \
        /opt/airflow/ltvzaiko-src
