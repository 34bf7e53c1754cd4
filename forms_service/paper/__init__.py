"""Paper forms: a fillable PDF drafted into a definition (importer), and a submission
filled back into the paper form it replaces (filling). No Flask here."""
