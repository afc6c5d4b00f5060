ALTER TABLE "agent_conversations" DROP CONSTRAINT "agent_conversations_workspace_id_workspace_id_fk";
--> statement-breakpoint
ALTER TABLE "agent_sessions" DROP CONSTRAINT "agent_sessions_workspace_id_workspace_id_fk";
--> statement-breakpoint
CREATE INDEX "agent_auth_tokens_agent_idx" ON "agent_auth_tokens" USING btree ("workspace_agent_id");