-- A password change, a role or permission change and the end of a membership sign the user out
-- everywhere (src/server/auth/sessions.ts): their server-side sessions go, whatever code made the change.
CREATE FUNCTION "end_user_sessions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- TG_ARGV[0] names the column that holds the user id: "id" on users, "user_id" on memberships.
  DELETE FROM "sessions" WHERE "user_id" = to_jsonb(OLD) ->> TG_ARGV[0];
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "users_password_change_ends_sessions" AFTER UPDATE OF "password_hash" ON "users"
  FOR EACH ROW WHEN (OLD."password_hash" IS DISTINCT FROM NEW."password_hash") EXECUTE FUNCTION "end_user_sessions"('id');
--> statement-breakpoint
CREATE TRIGGER "memberships_role_change_ends_sessions" AFTER UPDATE OF "role", "permissions" ON "memberships"
  FOR EACH ROW WHEN (OLD."role" IS DISTINCT FROM NEW."role" OR OLD."permissions" IS DISTINCT FROM NEW."permissions")
  EXECUTE FUNCTION "end_user_sessions"('user_id');
--> statement-breakpoint
CREATE TRIGGER "memberships_end_ends_sessions" AFTER DELETE ON "memberships"
  FOR EACH ROW EXECUTE FUNCTION "end_user_sessions"('user_id');
