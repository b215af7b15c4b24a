# The reachgraph API, for docker-compose.yml (Neo4j beside it).
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
ENV REACHGRAPH_HOST=0.0.0.0 REACHGRAPH_PORT=8000
EXPOSE 8000
CMD ["sh", "-c", "reachgraph ingest && reachgraph serve"]
