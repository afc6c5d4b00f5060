ALTER TABLE "agent_chat_turns" DROP CONSTRAINT "agent_chat_turns_workspace_id_workspace_id_fk";
--> statement-breakpoint
DROP INDEX "agent_chat_turns_workspace_idx";--> statement-breakpoint
DROP INDEX "agent_conversations_workspace_agent_idx";