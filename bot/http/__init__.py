"""HTTP helpers shared by the web app and the channels' routes: JSON errors and body reading."""
