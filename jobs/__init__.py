"""Run queue and execution of dispatch and scenario runs, behind one small interface."""
