"""The built-in template library: one folder per golden path."""
