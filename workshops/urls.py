# Mounted under /w/<ws>/.
urlpatterns: list = []
