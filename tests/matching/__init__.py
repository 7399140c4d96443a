"""Tests of the matching library."""
