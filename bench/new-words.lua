-- wrk: searches for words nobody searched for before. Each request searches for one or two
-- words drawn at random from those given after `--` (bench/search.sh takes them from
-- commitments' titles), so that almost none finds its words kept by the app server (it
-- keeps 64 searches' words, and there are thousands of pairs): each finds, ranks and
-- counts.
local words = {}

function init(args)
  words = args
  -- Each wrk thread has its own Lua state: seed each differently.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
end

function request()
  local q = words[math.random(#words)]
  if math.random(2) == 2 then
    q = q .. "+" .. words[math.random(#words)]
  end
  return wrk.format(nil, "/search?q=" .. q)
end
