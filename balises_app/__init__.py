"""The wizard's Streamlit shell, drawn by ``app.py`` (``streamlit run app.py``): one module per part of the page.
With app.py, the only Streamlit importers; the logic they show is balises.wizard's (no Streamlit there)."""
