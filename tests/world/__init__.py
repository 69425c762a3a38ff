"""Tests of the simulated retail world (ltvzaiko_tasks.world)."""
