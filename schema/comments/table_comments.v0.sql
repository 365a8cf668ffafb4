-- Table comments as production has them before training-db (legacy-schema.md §6).
-- Revision 0001 restores exactly this text on downgrade. NULL means "no comment".
COMMENT ON TABLE public.local_training_jobs IS NULL;
COMMENT ON TABLE public.local_training_metrics IS NULL;
COMMENT ON TABLE public.local_inference_servers IS
    'App-managed local inference server process records for vLLM, Ollama, and simple local servers.';
