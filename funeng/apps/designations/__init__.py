"""认定名录: designations (上云标杆, 未来工厂, 共享工厂…) with applications, evidence, decisions, entry and exit."""
