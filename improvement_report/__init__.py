"""Children's services improvement report book: the analysis package.

The notebooks in ``notebooks/`` stay thin and call this package; every number in the
book is computed here from the data folder named in the report configuration.
"""

__version__ = "0.1.0"
