"""Configuration: the environment settings, the YAML tables, the one Jinja environment and the
one reply renderer (``templates/replies/<locale>/``) with its locale list."""
