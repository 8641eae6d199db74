"""The web app: server-rendered pages over the same services and Presenter as the API."""
