ALTER TABLE "agent_chat_turns" DROP CONSTRAINT "agent_chat_turns_created_by_user_id_fk";
--> statement-breakpoint
ALTER TABLE "agent_conversations" DROP CONSTRAINT "agent_conversations_created_by_user_id_fk";
--> statement-breakpoint
CREATE INDEX "agent_sessions_user_idx" ON "agent_sessions" USING btree ("user_id");