"""``make benchmark`` (``python -m benchmarks``): the pages, partials, API and mixed-load table of
:mod:`benchmarks.pages`; the other benchmarks run by their own module (benchmarks/README.md)."""

from benchmarks.pages import main

main()
