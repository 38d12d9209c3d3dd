"""The data behind ``manage.py seed_demo``: the demo workspace and the scale workspace."""
