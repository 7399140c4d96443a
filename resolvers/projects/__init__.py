"""Volunteer service projects (志愿服务项目): lifecycle, activities, evaluation and the library."""
