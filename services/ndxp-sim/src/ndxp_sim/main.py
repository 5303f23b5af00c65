from ndxp_sim.app import create_app

app = create_app()
