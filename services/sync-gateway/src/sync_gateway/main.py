from sync_gateway.app import create_app

app = create_app()
