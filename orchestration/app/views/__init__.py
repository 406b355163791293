"""The explorer's pages: each module has one `render()` that main.py hands to st.Page."""
