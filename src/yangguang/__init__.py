"""Yangguang 阳光政务: openness and service platform for local government."""
