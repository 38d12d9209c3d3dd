"""The forum pages: forums and their series, meetings run live, decisions and actions."""
