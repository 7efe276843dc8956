"""BrightKitchen (明厨亮灶): school-canteen food-safety supervision platform."""
