"""kansa.web: the Django web application (the only package that imports Django)."""
