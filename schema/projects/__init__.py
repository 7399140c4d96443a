"""Projects in the API: volunteer service projects, their lifecycle, evaluation and the library."""
