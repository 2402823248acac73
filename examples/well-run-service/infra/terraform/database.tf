# The production database: managed PostgreSQL with automated backups and point-in-time recovery.
resource "aws_db_instance" "invoicing" {
  identifier                  = "invoicing-prod"
  engine                      = "postgres"
  engine_version              = "16.4"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 50
  storage_encrypted           = true
  multi_az                    = true
  db_subnet_group_name        = aws_db_subnet_group.private.name
  vpc_security_group_ids      = [aws_security_group.database.id]
  username                    = "invoicing"
  manage_master_user_password = true
  backup_retention_period     = 14
  backup_window               = "02:00-03:00"
  deletion_protection         = true
  copy_tags_to_snapshot       = true
  final_snapshot_identifier   = "invoicing-prod-final"
}
