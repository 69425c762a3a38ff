"""The callables behind each DAG stage. DAG files stay thin and call these."""
