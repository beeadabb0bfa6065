"""{{ values.name }}: {{ values.description }}"""

__version__ = "0.1.0"
SERVICE_NAME = "{{ values.name }}"
