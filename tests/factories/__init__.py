"""Helpers that build what tests need: guide content, people, tracked requests, images, PDFs, processes.

Each module serves the tests of one package (`guide`, `accounts`, `tracking`, `evidence`) or one
kind of thing (`images`, `pdf`, `translations`, `processes`). Tests import from here, never from
another test module.
"""
