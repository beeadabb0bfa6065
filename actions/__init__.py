"""Built-in actions, one module each; registered through the `scaffold.actions` entry points."""
