"""Subsidies and allowances in the API: units' rules and monthly batches."""
