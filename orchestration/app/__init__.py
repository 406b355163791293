"""The local explorer: Trends, Compare, Report, Quality and Export pages on the warehouse.

queries.py holds the SQL (no Streamlit); highlight.py and export.py are plain functions;
ui.py and views/ are the Streamlit side; main.py is the entry point; launch.py starts it.
"""
