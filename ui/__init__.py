"""asker's Streamlit app (the chat page and the admin pages). It imports only asker.api, types,
errors and config."""
