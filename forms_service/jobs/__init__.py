"""Work done after the page has answered: emails, webhooks, PDFs at submission, the purge.

registry.py   the jobs by name (`@task`), with their retry policy
"""
